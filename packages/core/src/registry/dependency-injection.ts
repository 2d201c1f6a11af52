import { createRequire } from "node:module";
import type { DependencyContainer, InjectionToken } from "tsyringe";
import { consoleLogger, type Logger } from "../logger.js";
import { BUILTIN_FLAVORS, BuiltinIntegration } from "./builtin-integration.js";
import { FlavorRegistry } from "./flavor-registry.js";
import { IntegrationRegistry } from "./integration-registry.js";

const require = createRequire(import.meta.url);

/**
 * tsyringe (33 modules) and the Reflect metadata API it needs when it is imported, loaded when the first
 * container is made rather than with the package. Both are CommonJS, so `require` keeps this synchronous.
 * We use tsyringe with tokens and factories only (no decorators, no emitted metadata).
 */
function loadTsyringe(): typeof import("tsyringe") {
  require("reflect-metadata");
  return require("tsyringe");
}

/** An injection token that carries the type it resolves to. */
export type Token<T> = symbol & InjectionToken<T> & { readonly __resolvesTo?: T };

export function createToken<T>(description: string): Token<T> {
  return Symbol(description) as Token<T>;
}

export const FlavorRegistryToken = createToken<FlavorRegistry>("flavorstack.FlavorRegistry");
export const IntegrationRegistryToken = createToken<IntegrationRegistry>("flavorstack.IntegrationRegistry");
export const LoggerToken = createToken<Logger>("flavorstack.Logger");

export interface FlavorstackContainerOptions {
  /** The container to derive from; a child of tsyringe's root container otherwise (which stays untouched). */
  parent?: DependencyContainer;
  logger?: Logger;
}

/**
 * A child container for one client or stack, with its own flavor and
 * integration registries (holding the built-in flavors) and logger. Library
 * code never registers anything in the global container.
 */
export function createFlavorstackContainer(options: FlavorstackContainerOptions = {}): DependencyContainer {
  const { container: rootContainer, instanceCachingFactory } = loadTsyringe();
  const container = (options.parent ?? rootContainer).createChildContainer();
  container.register(LoggerToken, { useValue: options.logger ?? consoleLogger });
  container.register(FlavorRegistryToken, {
    useFactory: instanceCachingFactory(() => {
      const registry = new FlavorRegistry();
      for (const flavor of BUILTIN_FLAVORS) registry.register(flavor);
      return registry;
    }),
  });
  container.register(IntegrationRegistryToken, {
    useFactory: instanceCachingFactory(
      (scope) =>
        new IntegrationRegistry(scope.resolve(FlavorRegistryToken), scope.resolve(LoggerToken), [BuiltinIntegration]),
    ),
  });
  return container;
}

/** Typed resolution: `resolve(container, FlavorRegistryToken)` is a `FlavorRegistry`. */
export function resolve<T>(container: DependencyContainer, token: Token<T>): T {
  return container.resolve<T>(token);
}
