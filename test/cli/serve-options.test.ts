/** `serve` takes a flag for every option of the table, parsed in-process (no binary spawned). */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { configInputFrom, withConfigOptions } from '../../src/cli/config-options.js';
import { registerServe } from '../../src/cli/serve.js';
import { OPTION_LIST } from '../../src/config/options.js';
import { loadConfig } from '../../src/config.js';

const serveCommand = () => {
  const program = new Command().exitOverride();
  registerServe(program);
  const serve = program.commands.find((command) => command.name() === 'serve');
  if (serve === undefined) throw new Error('no serve command');
  return serve;
};

describe('the serve options', () => {
  it('has one flag per option of the table, each naming its variable in the help', () => {
    const flags = serveCommand().options.map((option) => option.flags);
    expect(flags.sort()).toEqual(['--config <file>', ...OPTION_LIST.map((spec) => spec.flag)].sort());
    const help = serveCommand().helpInformation();
    for (const spec of OPTION_LIST) expect(help).toContain(spec.env);
  });

  it('maps every parsed flag to its key, and the flags win over the environment', () => {
    const command = withConfigOptions(new Command('serve').exitOverride(), 'all');
    command.parse(
      [
        '--port',
        '9001',
        '--data',
        '/tmp/x',
        '--cc-token-reuse',
        '0',
        '--login-delay',
        '0',
        '--demo',
        '--log-level',
        'warn',
      ],
      { from: 'user' },
    );
    const input = configInputFrom(command.opts());
    expect(input).toEqual({
      port: '9001',
      dataDir: '/tmp/x',
      ccTokenReuse: '0',
      loginDelayMs: '0',
      demo: true,
      logLevel: 'warn',
    });
    const config = loadConfig(input, { FLEXGATE_PORT: '7000', FLEXGATE_RATE_LIMIT: '5' });
    expect(config).toMatchObject({
      port: 9001,
      dataDir: '/tmp/x',
      demo: true,
      logLevel: 'warn',
      rateLimit: { limit: 5 },
    });
    expect(config.core).toMatchObject({ ccTokenReuseSeconds: 0, loginDelayBaseMs: 0 });
  });

  it('gives the other commands the configuration file and the storage options only', () => {
    const flags = withConfigOptions(new Command('x'), 'storage').options.map((option) => option.flags);
    expect(flags).toEqual(['--config <file>', '--data <dir>', '--database-url <url>']);
  });
});
