import { type Command, InvalidArgumentError, Option } from 'commander';
import { isLoopbackHost } from '../../oauth/redirect-uris.js';
import { checkHttpUrl, UsageError } from '../shared.js';
import { parseProfileName } from './profiles.js';

/**
 * Checks --base-url: an http(s) URL without credentials, query or fragment (see checkHttpUrl: no message
 * repeats the URL), and https unless the host is this machine or --insecure is given.
 */
export function checkBaseUrl(value: string, insecure: boolean): string {
  const url = checkHttpUrl(value, '--base-url');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !insecure) {
    throw new UsageError(
      '--base-url must use https (plain http only for 127.0.0.1, [::1] and localhost, or with --insecure)',
    );
  }
  return url.toString().replace(/\/+$/, '');
}

export function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
    throw new InvalidArgumentError('must be a whole number of seconds between 1 and 86400');
  }
  return seconds;
}

export const parseScopes = (value: string | undefined): string[] =>
  value === undefined ? [] : value.split(/[\s,]+/).filter((scope) => scope !== '');

export const profileOption = () =>
  new Option('--profile <name>', 'the profile to use').default('default').argParser(parseProfileName);

/**
 * Usage errors of the developer commands exit 2 (scripts tell "you called me wrong" from "the call failed");
 * help and version still exit 0.
 */
export function usageExitCode2(command: Command): Command {
  return command.exitOverride((error) => {
    if (error.exitCode === 1 && error.code.startsWith('commander.')) {
      error.exitCode = 2;
    }
    throw error;
  });
}
