export {
  SystemService,
  WHARF_VERSION,
  type SystemSources,
  type SystemSetup,
} from "./service.ts";
