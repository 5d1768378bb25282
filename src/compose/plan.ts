/**
 * plan: desired state of one service versus its existing containers → the
 * actions that converge them, as compose v2's convergence does: keep (and
 * start) containers whose config hash and image are current, recreate the
 * diverged ones, create missing replicas, remove replicas above the scale.
 * Pure: apply.ts carries the actions out.
 */
import type { ContainerSummary } from "../client/index.ts";
import { LABEL } from "./labels.ts";
import { numberOf } from "./state.ts";

/** One container action. */
export type ContainerAction =
  | { kind: "keep"; container: ContainerSummary; running: boolean }
  | { kind: "recreate"; container: ContainerSummary; number: number }
  | { kind: "create"; number: number }
  | { kind: "remove"; container: ContainerSummary };

/** The inputs of planService. */
export type ServicePlanInput = {
  hash: string;
  /** The current image id; a container on another image is diverged. */
  imageId?: string | undefined;
  existing: ContainerSummary[];
  replicas: number;
  forceRecreate?: boolean;
  noRecreate?: boolean;
};

/** True when the container no longer matches the service's definition or image. */
export function diverged(
  c: ContainerSummary,
  input: ServicePlanInput,
): boolean {
  if (c.Labels[LABEL.hash] !== input.hash) return true;
  return input.imageId !== undefined && c.ImageID !== input.imageId;
}

/** Plans one service. Containers are kept by lowest number; extra ones are removed highest first. */
export function planService(input: ServicePlanInput): ContainerAction[] {
  const sorted = [...input.existing].sort((a, b) => numberOf(a) - numberOf(b));
  const keep = sorted.slice(0, input.replicas);
  const extra = sorted.slice(input.replicas).reverse();
  const actions: ContainerAction[] = extra.map((container) => ({
    kind: "remove",
    container,
  }));
  const used = new Set<number>();
  for (const c of keep) {
    const n = numberOf(c) || nextFree(used);
    used.add(n);
    const recreate =
      !input.noRecreate && (input.forceRecreate || diverged(c, input));
    actions.push(
      recreate
        ? { kind: "recreate", container: c, number: n }
        : { kind: "keep", container: c, running: c.State === "running" },
    );
  }
  for (let i = keep.length; i < input.replicas; i++) {
    const n = nextFree(used);
    used.add(n);
    actions.push({ kind: "create", number: n });
  }
  return actions;
}

function nextFree(used: Set<number>): number {
  let n = 1;
  while (used.has(n)) n++;
  return n;
}
