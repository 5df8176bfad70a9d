import { BaseConfig, loadConfig } from '@eduspry/common';
import { type Static, Type } from 'typebox';

export const AuthConfig = Type.Object({
  ...BaseConfig,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4001 }),
});
export type AuthConfig = Static<typeof AuthConfig>;

export const readConfig = (env: NodeJS.ProcessEnv = process.env): AuthConfig => loadConfig(AuthConfig, env);
