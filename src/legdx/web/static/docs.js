// Swagger UI for /docs, from the swagger-ui-bundle-v2 package's files (served locally, no CDN).
window.addEventListener("DOMContentLoaded", function () {
  "use strict";
  window.ui = window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
