// Imported first by a service's main.ts (`import '@eduspry/common/telemetry-register'`), before
// fastify or any client library loads, so their modules are instrumented when they do.
import { serviceNameFromEntry, startTelemetry } from './telemetry.ts';

startTelemetry(process.env.OTEL_SERVICE_NAME || serviceNameFromEntry());
