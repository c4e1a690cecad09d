import { apiError } from '../__testUtils__/mockGpuFleetApi';
import { errorMessage, fieldErrors } from './apiErrors';

describe('fieldErrors', () => {
  it('splits a 4xx message into messages per top-level field', async () => {
    const error = await apiError(
      400,
      'InputError',
      'name: must be a DNS-1123 label; addons[2]: is not a known add-on; addons[3]: is listed twice; (body): not valid JSON',
    );
    expect(fieldErrors(error)).toEqual({
      fields: {
        name: 'must be a DNS-1123 label',
        addons: 'is not a known add-on; is listed twice',
      },
      general: ['(body): not valid JSON'],
    });
  });

  it('keeps a server error whole, with its message', async () => {
    const error = await apiError(500, 'Error', 'name: database is locked');
    expect(fieldErrors(error)).toEqual({
      fields: {},
      general: ['name: database is locked'],
    });
    expect(errorMessage(error)).toBe('name: database is locked');
    expect(errorMessage(new Error('offline'))).toBe('offline');
  });
});
