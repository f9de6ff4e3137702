/** The configuration is not acceptable: one line per problem, each naming the option (and the file). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
