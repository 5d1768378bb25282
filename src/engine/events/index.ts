export { EventBus, type EventInput, type EventListener } from "./event-bus.ts";
export { matchesEventFilters } from "./filters.ts";
