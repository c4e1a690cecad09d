import {
  pendingStatus,
  runningStatus,
  UNSCHEDULABLE,
} from '../../__testUtils__/deploymentFixtures';
import { pendingReason } from './pendingReason';

describe('pendingReason', () => {
  it("gives the scheduler's words for an unschedulable pod", () => {
    expect(pendingReason(pendingStatus)).toBe(UNSCHEDULABLE);
  });

  it('falls back to the FailedScheduling event, then a waiting pod, then the summary', () => {
    const pod = pendingStatus.pods[0];
    expect(
      pendingReason({
        ...pendingStatus,
        pods: [{ ...pod, reason: undefined, message: undefined }],
      }),
    ).toBe(UNSCHEDULABLE);
    expect(
      pendingReason({
        ...pendingStatus,
        events: [],
        pods: [
          {
            ...pod,
            reason: 'ContainerCreating',
            message: 'pulling vllm/vllm-openai:v0.6.4',
          },
        ],
      }),
    ).toBe('ContainerCreating: pulling vllm/vllm-openai:v0.6.4');
    expect(
      pendingReason({
        ...pendingStatus,
        summary: 'waiting for the quota',
        events: [],
        pods: [],
      }),
    ).toBe('waiting for the quota');
  });

  it('says nothing unless the deployment is Pending', () => {
    expect(pendingReason(runningStatus)).toBeUndefined();
    expect(pendingReason(null)).toBeUndefined();
  });
});
