// Starts Swagger UI on /docs from the files the server bundles: nothing is fetched elsewhere.
"use strict";

const root = document.getElementById("swagger-ui");
window.SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  domNode: root,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  deepLinking: true,
  validatorUrl: null, // the default badge asks validator.swagger.io
  tryItOutEnabled: false,
});
