// Swagger UI for /api/docs, from the vendored swagger-ui-dist (no CDN, no inline script).
"use strict";
window.addEventListener("load", function () {
  const el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.dataset.spec,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
  });
});
