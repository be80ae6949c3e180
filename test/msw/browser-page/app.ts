// The page test/msw/browser.test.ts opens in Chromium: what a web app's test page does with the SDK's mock.
// msw's service worker intercepts the client's requests to a host that does not exist, so whatever the
// page shows can only have come from the mock. The outcome goes into #result for the test to read.
import { setupWorker } from 'msw/browser';
import { createPipeloomClient } from '@pipeloom/sdk';
import { createMockApi } from '@pipeloom/sdk/msw';

const baseUrl = 'http://pipeloom.test';

async function createAndList(): Promise<unknown> {
  const api = createMockApi({ baseUrl });
  await setupWorker(...api.handlers).start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'error', quiet: true });
  const client = createPipeloomClient({ baseUrl });
  const created = await client.POST('/torc-service/workflows', { body: { name: 'from-the-browser', user: 'alice' } });
  const listed = await client.GET('/torc-service/workflows', { params: { query: { user: 'alice' } } });
  return { createdStatus: created.response.status, created: created.data, listedStatus: listed.response.status, listed: listed.data };
}

const result = document.getElementById('result')!;
createAndList().then(
  (outcome) => { result.textContent = JSON.stringify(outcome); result.dataset.state = 'done'; },
  (error: unknown) => { result.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error); result.dataset.state = 'failed'; },
);
