// Starts the API reference (/api/docs) on the vendored Swagger UI, reading the OpenAPI document whose
// URL the page gives in data-spec. A file of its own: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var root = document.getElementById("api-reference");
  window.SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: true,
    tryItOutEnabled: false,
    validatorUrl: null, // never send the document to an outside validator
    withCredentials: true,
  });
})();
