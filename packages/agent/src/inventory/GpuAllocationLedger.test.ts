import { GpuAllocationLedger } from './GpuAllocationLedger';

describe('GpuAllocationLedger', () => {
  it('moves only the GPUs of the pod that changed and names the nodes it touched', () => {
    const ledger = new GpuAllocationLedger();
    expect(ledger.set('a/train-0', { nodeName: 'n1', gpus: 8 })).toEqual([
      'n1',
    ]);
    expect(ledger.set('a/infer-0', { nodeName: 'n2', gpus: 2 })).toEqual([
      'n2',
    ]);
    expect(ledger.set('a/train-0', { nodeName: 'n1', gpus: 8 })).toEqual([]);
    expect(ledger.allocated('n1')).toBe(8);

    expect(ledger.set('a/infer-0', { nodeName: 'n1', gpus: 2 })).toEqual([
      'n2',
      'n1',
    ]);
    expect(ledger.allocated('n1')).toBe(10);
    expect(ledger.allocated('n2')).toBe(0);

    expect(ledger.set('a/train-0', undefined)).toEqual(['n1']);
    expect(ledger.set('a/ghost', undefined)).toEqual([]);
    expect(ledger.allocated('n1')).toBe(2);
    expect(ledger.podCount).toBe(1);
  });
});
