/**
 * Helpers over the openapi-typescript types of the generated documents (`./openapi/<service>.ts`):
 * what a caller reads an upstream route's answer as, named by path, method and status, so that
 * nothing declares an upstream's shape by hand. `JsonAnswer<paths, '/courses/{courseId}', 'get'>`
 * is course-service's course as its route schema says. A path, method or status the document does
 * not have gives `unknown` (not `never`, which would fit anywhere), so reading it fails to compile.
 */
export type JsonAnswer<
  Paths,
  Path extends keyof Paths,
  Method extends keyof Paths[Path],
  Status extends number = 200,
> = Paths[Path][Method] extends { responses: infer Responses }
  ? Responses extends { [S in Status]: { content: { 'application/json': infer Body } } }
    ? Body
    : unknown
  : unknown;

/** The JSON body a route takes. */
export type JsonRequest<
  Paths,
  Path extends keyof Paths,
  Method extends keyof Paths[Path],
> = Paths[Path][Method] extends {
  requestBody?: { content: { 'application/json': infer Body } };
}
  ? Body
  : unknown;
