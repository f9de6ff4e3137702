// dependency-cruiser reads TypeScript through the compiler's JS API, which the native compiler (typescript 7)
// does not have. This hands it typescript 5.9, installed beside it as `typescript-5.9`, for both the way it
// checks the version (a CommonJS require of typescript/package.json) and the way it loads the compiler (an
// import). Nothing but dependency-cruiser's own requests is redirected.
// Used as `node --import ./scripts/depcruise-typescript.mjs node_modules/dependency-cruiser/bin/…`.
import Module, { register } from 'node:module';

const FROM_DEPENDENCY_CRUISER = '/node_modules/dependency-cruiser/';
const redirect = (specifier) => specifier.replace(/^typescript(?=$|\/)/, 'typescript-5.9');
const isTypeScript = (specifier) => specifier === 'typescript' || specifier.startsWith('typescript/');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveTypeScript(request, parent, ...rest) {
  const fromCruiser = parent?.filename?.includes(FROM_DEPENDENCY_CRUISER) === true;
  return resolveFilename.call(
    this,
    fromCruiser && isTypeScript(request) ? redirect(request) : request,
    parent,
    ...rest,
  );
};

register(
  `data:text/javascript,${encodeURIComponent(`
export async function resolve(specifier, context, next) {
  const fromCruiser = context.parentURL?.includes(${JSON.stringify(FROM_DEPENDENCY_CRUISER)}) === true;
  const isTypeScript = specifier === 'typescript' || specifier.startsWith('typescript/');
  return next(fromCruiser && isTypeScript ? specifier.replace(/^typescript(?=$|\\/)/, 'typescript-5.9') : specifier, context);
}`)}`,
  import.meta.url,
);
