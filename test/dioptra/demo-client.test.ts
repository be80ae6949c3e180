// A replay of the requests Dioptra's demo and test client (`TestbedAPIClient` / `DioptraClient`) sends for
// experiments and queues: forms posted with `requests` to the collection URLs with their trailing slash,
// lookups built with posixpath joins, lock and unlock by queue name with no body. It reads the JSON of every
// answer, so each must be JSON in the shape it expects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

describe.each(PROVIDERS)("Dioptra's demo client against Pipeloom on %s", (provider) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(provider);
  });
  afterAll(async () => t?.close());

  /** What `requests.<method>(url, data=...)` puts on the wire, then `.json()`. */
  async function requests(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, data?: Record<string, string>) {
    const headers: Record<string, string> = { 'user-agent': 'python-requests/2.28.1', 'accept-encoding': 'gzip, deflate', accept: '*/*', connection: 'keep-alive' };
    let body: string | undefined;
    if (data) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(data).toString();
    } else if (method === 'PUT' || method === 'DELETE' || method === 'POST') {
      headers['content-length'] = '0';
    }
    const r = await fetch(`${t.url}/api/${path}`, { method, headers, body });
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    return r.json() as Promise<Record<string, unknown> & Array<Record<string, unknown>>>;
  }

  it('registers, fetches and lists experiments', async () => {
    const registered = await requests('POST', 'experiment/', { name: 'mnist' });
    expect(registered).toMatchObject({ experimentId: expect.any(Number), name: 'mnist' });
    expect(await requests('GET', `experiment/${registered.experimentId}`)).toEqual(registered);
    expect(await requests('GET', 'experiment/name/mnist')).toEqual(registered);
    expect(await requests('GET', 'experiment/')).toEqual([registered]);
  });

  it('registers the default queue, locks and unlocks it by name, and lists it', async () => {
    const queue = await requests('POST', 'queue/', { name: 'tensorflow_cpu' });
    expect(queue).toMatchObject({ queueId: 1, name: 'tensorflow_cpu' });
    expect(await requests('GET', 'queue/1')).toEqual(queue);
    expect(await requests('GET', 'queue/name/tensorflow_cpu')).toEqual(queue);
    expect(await requests('PUT', 'queue/name/tensorflow_cpu/lock')).toEqual({ status: 'Success', name: ['tensorflow_cpu'] });
    expect(await requests('GET', 'queue/')).toEqual([]);
    expect(await requests('DELETE', 'queue/name/tensorflow_cpu/lock')).toEqual({ status: 'Success', name: ['tensorflow_cpu'] });
    expect(await requests('GET', 'queue/')).toEqual([queue]);
  });

  it('gets a JSON error body it can read when registering twice', async () => {
    expect(await requests('POST', 'queue/', { name: 'tensorflow_cpu' })).toMatchObject({
      message: 'Bad Request - The queue registration form contains invalid parameters. Please verify and resubmit.',
    });
  });
});

describe.each(PROVIDERS)('later Dioptra clients that post registrations as JSON, on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(provider);
  });
  afterAll(async () => t?.close());

  const postJson = async (path: string, json: unknown) => {
    const r = await fetch(`${t.url}/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('registers experiments and queues from a JSON body, as Flask-WTF forms accept it', async () => {
    expect(await postJson('experiment/', { name: 'Json Experiment' })).toMatchObject({ status: 200, body: { experimentId: 1, name: 'json-experiment' } });
    expect(await postJson('queue/', { name: 'tensorflow_cpu' })).toMatchObject({ status: 200, body: { queueId: 1, name: 'tensorflow_cpu' } });
  });

  it('answers a JSON body without a name with the registration sentence', async () => {
    expect(await postJson('queue/', {})).toMatchObject({ status: 400, body: { message: 'Bad Request - The queue registration form contains invalid parameters. Please verify and resubmit.' } });
  });
});
