import { parseAllowList } from '@mediaflow/net-guard';
import { endpointAddressRefusal } from './endpoint-address';

// IP literals only: checked without a lookup.
describe('endpointAddressRefusal', () => {
  const allowList = parseAllowList('127.0.0.1, 10.0.0.0/8');

  it.each([
    ['http://127.0.0.1:8080/hook'],
    ['https://10.1.2.3/hook'],
    ['https://93.184.216.34/hook'],
    ['https://[2606:2800:220:1::]/hook'],
  ])('lets %s through', async (url) => {
    expect(await endpointAddressRefusal(url, allowList)).toBeNull();
  });

  it.each([
    ['http://127.0.0.2/hook', '127.0.0.2 is a loopback address'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254 is a link-local address'],
    ['https://192.168.1.10/hook', '192.168.1.10 is a private address'],
    ['http://[::1]/hook', '::1 is a loopback address'],
    ['http://0.0.0.0/hook', '0.0.0.0 is an unspecified address'],
  ])('refuses %s, saying how to allow it', async (url, why) => {
    expect(await endpointAddressRefusal(url, allowList)).toBe(
      `${why}, which is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS`,
    );
  });
});
