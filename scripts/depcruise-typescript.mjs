// dependency-cruiser reads TypeScript through the compiler's JS API, which the native compiler (typescript 7)
// does not have: this resolve hook hands it typescript 5.9 (installed beside it as `typescript-5.9`). Nothing
// else is redirected. Used as `node --import ./scripts/depcruise-typescript.mjs node_modules/.bin/depcruise …`.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'typescript' && context.parentURL?.includes('/node_modules/dependency-cruiser/')) {
    return next('typescript-5.9', context);
  }
  return next(specifier, context);
}`)}`,
  import.meta.url,
);
