// Swagger UI for vete's API, from the assets served under /docs/assets (no CDN): a file
// rather than an inline script, so /docs keeps a content security policy without
// 'unsafe-inline' for scripts.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
