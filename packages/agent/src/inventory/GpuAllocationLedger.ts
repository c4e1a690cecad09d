/** What each pod takes from which node, so that a pod's change moves only its own GPUs. */
export class GpuAllocationLedger {
  private readonly byPod = new Map<
    string,
    { nodeName: string; gpus: number }
  >();
  private readonly byNode = new Map<string, number>();

  /** Records a pod's current allocation (undefined: none) and returns the nodes whose total moved. */
  set(
    podKey: string,
    allocation: { nodeName: string; gpus: number } | undefined,
  ): string[] {
    const previous = this.byPod.get(podKey);
    if (
      previous?.nodeName === allocation?.nodeName &&
      previous?.gpus === allocation?.gpus
    ) {
      return [];
    }
    const touched: string[] = [];
    if (previous) {
      this.byPod.delete(podKey);
      this.add(previous.nodeName, -previous.gpus);
      touched.push(previous.nodeName);
    }
    if (allocation) {
      this.byPod.set(podKey, allocation);
      this.add(allocation.nodeName, allocation.gpus);
      if (allocation.nodeName !== previous?.nodeName) {
        touched.push(allocation.nodeName);
      }
    }
    return touched;
  }

  allocated(nodeName: string): number {
    return this.byNode.get(nodeName) ?? 0;
  }

  get podCount(): number {
    return this.byPod.size;
  }

  private add(nodeName: string, gpus: number) {
    const total = (this.byNode.get(nodeName) ?? 0) + gpus;
    if (total === 0) this.byNode.delete(nodeName);
    else this.byNode.set(nodeName, total);
  }
}
