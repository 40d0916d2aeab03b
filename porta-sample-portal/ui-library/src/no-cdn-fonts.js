// SPDX-License-Identifier: Apache-2.0
// Fluent UI fetches its Segoe UI font faces from Microsoft's CDN unless FabricConfig.fontBaseUrl says otherwise;
// an empty base URL registers none (the page's own fonts apply). Imported first, before Fluent UI evaluates.
globalThis.FabricConfig = { ...globalThis.FabricConfig, fontBaseUrl: '' };
