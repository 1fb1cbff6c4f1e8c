import { describe, expect, it } from 'vitest';
import { awsRequestError, callErrorInfo, isUnreachable } from '../../../src/aws/error-info.js';
import { ERROR_CODES } from '../../../src/base/errors.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: { attempts: 1 } });
const serviceError = (name: string, status: number) =>
  Object.assign(new Error('not found'), { name, $metadata: { httpStatusCode: status }, $response: {}, $fault: 'client' });

describe('callErrorInfo', () => {
  it('takes the Node code of a transport failure and no status', () => {
    expect(callErrorInfo(refused())).toEqual({ name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1', networkCode: 'ECONNREFUSED' });
  });

  it('takes the status only when the service answered', () => {
    expect(callErrorInfo(serviceError('ResourceNotFoundException', 400))).toEqual({
      name: 'ResourceNotFoundException',
      message: 'not found',
      httpStatus: 400,
    });
  });

  it('finds the code inside an AggregateError (dual-stack connect) and a cause', () => {
    const aggregate = new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })], 'all failed');
    expect(callErrorInfo(aggregate).networkCode).toBe('ECONNREFUSED');
    const wrapped = new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ECONNRESET' }) });
    expect(callErrorInfo(wrapped).networkCode).toBe('ECONNRESET');
  });

  it('handles non-errors', () => {
    expect(callErrorInfo('boom')).toEqual({ name: 'Error', message: 'boom' });
  });
});

describe('awsRequestError', () => {
  it('names the URL and the stack status command for an unreachable endpoint', () => {
    expect(isUnreachable(refused())).toBe(true);
    const error = awsRequestError(refused(), 'create bucket "b"', 'http://127.0.0.1:1');
    expect(error.code).toBe(ERROR_CODES.SERVICE_UNREACHABLE);
    expect(error.message).toContain('http://127.0.0.1:1');
    expect(error.hint).toContain('npm run stack -- status');
  });

  it('reports a service refusal as a failed request with its status', () => {
    const error = awsRequestError(serviceError('AccessDenied', 403), 'create bucket "b"', 'AWS eu-west-1');
    expect(isUnreachable(serviceError('AccessDenied', 403))).toBe(false);
    expect(error.code).toBe(ERROR_CODES.AWS_REQUEST_FAILED);
    expect(error.message).toBe('could not create bucket "b" at AWS eu-west-1: AccessDenied (HTTP 403): not found');
  });
});
