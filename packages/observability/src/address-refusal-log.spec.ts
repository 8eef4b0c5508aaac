import diagnosticsChannel from 'node:diagnostics_channel';
import { Logger } from '@nestjs/common';
import { ADDRESS_REFUSED_CHANNEL, logAddressRefusals } from './address-refusal-log';

describe('logAddressRefusals', () => {
  it('logs at debug what a refused host resolved to, once however often it is called', () => {
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    try {
      logAddressRefusals();
      logAddressRefusals();
      diagnosticsChannel.channel(ADDRESS_REFUSED_CHANNEL).publish({
        message:
          'vm resolves to an address that is not allowed; allow it with MEDIAFLOW_ALLOWED_HOSTS',
        detail: 'vm resolves to 127.0.0.1, a loopback address',
      });
      expect(debug.mock.calls).toEqual([
        ['connection refused: vm resolves to 127.0.0.1, a loopback address'],
      ]);
    } finally {
      debug.mockRestore();
    }
  });
});
