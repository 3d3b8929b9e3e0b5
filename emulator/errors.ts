/**
 * An error ECS answers with. The JSON 1.1 protocol carries it as `{"__type", "message"}`; the AWS
 * SDK turns `__type` into the error's `name` (and into the modeled class when ECS declares one).
 */
export class EcsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export function clusterNotFound(): EcsError {
  return new EcsError('ClusterNotFoundException', 'Cluster not found.');
}

export function invalidParameter(message: string): EcsError {
  return new EcsError('InvalidParameterException', message);
}

export function clientError(message: string): EcsError {
  return new EcsError('ClientException', message);
}

export function serverError(status: 500 | 503 = 500): EcsError {
  return new EcsError('ServerException', 'Service unavailable (injected by the ECS emulator).', status);
}

export function throttled(): EcsError {
  return new EcsError('ThrottlingException', 'Rate exceeded');
}
