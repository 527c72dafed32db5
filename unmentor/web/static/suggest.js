// Suggests existing organisations as someone types theirs (sign-up and /me).
// Without this file the field is a plain text box and works the same: the server matches
// names ignoring case and spacing. Only names come back, never who belongs where.
"use strict";

(function () {
  const WAIT_MS = 150;

  function attach(input) {
    const list = document.getElementById(input.getAttribute("list"));
    const email = input.form ? input.form.querySelector('input[name="email"]') : null;
    let timer = null;
    let asked = "";

    function fill(names) {
      list.replaceChildren(
        ...names.map(function (item) {
          const option = document.createElement("option");
          option.value = item.name;
          if (item.owns_your_domain) {
            option.label = item.name + " (your email's organisation)";
          }
          return option;
        })
      );
    }

    function ask() {
      const params = new URLSearchParams({ q: input.value });
      if (email && email.value.includes("@")) {
        params.set("email", email.value);
      }
      const query = params.toString();
      if (query === asked) {
        return;
      }
      asked = query;
      fetch("/api/v1/organisation-suggestions?" + query, { headers: { Accept: "application/json" } })
        .then(function (reply) { return reply.ok ? reply.json() : []; })
        .then(function (names) { if (asked === query) { fill(names); } })
        .catch(function () { /* suggestions are a help, never a requirement */ });
    }

    function soon() {
      clearTimeout(timer);
      timer = setTimeout(ask, WAIT_MS);
    }

    input.addEventListener("input", soon);
    input.addEventListener("focus", soon);
    if (email) {
      email.addEventListener("change", soon);
    }
  }

  document.querySelectorAll("input[data-suggest-organisations]").forEach(attach);
})();
