// The SDK on its own: fetch is bound late (so msw installed after the client still intercepts it), tokens
// are sent as bearer credentials, and unwrap() turns every family's error shape into one ApiError.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ApiError, createPipeloomClient, unwrap } from '@pipeloom/sdk';

const baseUrl = 'http://pipeloom.test';
// Created before msw starts listening: the case openapi-fetch users trip over (openapi-ts #1878).
const client = createPipeloomClient({ baseUrl, token: () => 'tok-123' });
const mock = setupServer();

beforeAll(() => mock.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mock.resetHandlers());
afterAll(() => mock.close());

describe('createPipeloomClient', () => {
  it('When msw starts after the client was created, then its handlers still intercept the calls', async () => {
    mock.use(http.get(`${baseUrl}/torc-service/ping`, () => HttpResponse.json({ message: 'mocked' })));
    expect(await unwrap(client.GET('/torc-service/ping'))).toEqual({ message: 'mocked' });
  });

  it('sends the token as a bearer credential', async () => {
    let seen: string | null = null;
    mock.use(http.get(`${baseUrl}/torc-service/version`, ({ request }) => {
      seen = request.headers.get('authorization');
      return HttpResponse.json({ version: '0.6.4' });
    }));
    await unwrap(client.GET('/torc-service/version'));
    expect(seen).toBe('Bearer tok-123');
  });
});

describe('unwrap', () => {
  it.each([
    ['torc', { error: true, code: 404, errorNum: 404, errorMessage: 'workflow 9 was not found', pipeloomCode: 'DOCUMENT_NOT_FOUND' }, 'workflow 9 was not found'],
    ['plynx', { status: 'failed', message: 'graph not found', code: 'DOCUMENT_NOT_FOUND' }, 'graph not found'],
    ['flow', { status: 'ERROR', msg: 'pipeline not found', code: 'DOCUMENT_NOT_FOUND' }, 'pipeline not found'],
  ])('When a %s error comes back, then it throws ApiError with the status, code and message', async (_family, body, message) => {
    mock.use(http.get(`${baseUrl}/torc-service/workflows/9`, () => HttpResponse.json(body, { status: 404 })));
    const error = await unwrap(client.GET('/torc-service/workflows/{key}', { params: { path: { key: '9' } } })).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'DOCUMENT_NOT_FOUND', message, body });
  });

  it('When an error response has an empty body, then it still throws (it branches on the status)', async () => {
    mock.use(http.get(`${baseUrl}/torc-service/workflows/9`, () => new HttpResponse(null, { status: 503 })));
    const error = await unwrap(client.GET('/torc-service/workflows/{key}', { params: { path: { key: '9' } } })).catch((e) => e);
    expect(error).toMatchObject({ status: 503, code: 'HTTP_503' });
  });
});
