// No test may reach the real network: vendor APIs are mocked with nock, everything
// else is served on loopback.
import nock from 'nock';
import { afterEach } from 'vitest';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

afterEach(() => {
  nock.cleanAll();
});
