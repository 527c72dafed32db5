// Filters a list as the organiser types, on top of the search form that works without
// JavaScript (it reloads the page with ?q=). Only hides items already on the page.
(function () {
  document.querySelectorAll("input[data-filter-list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-filter-list"));
    var status = document.getElementById(input.getAttribute("aria-describedby"));
    if (!list) return;
    var total = list.children.length;
    input.addEventListener("input", function () {
      var typed = input.value.trim().toLocaleLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(list.children, function (item) {
        var match = !typed || item.textContent.toLocaleLowerCase().indexOf(typed) !== -1;
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (status) {
        status.textContent = typed
          ? shown + " of " + total + (total === 1 ? " person " : " people ") +
            (shown === 1 ? "matches" : "match") + " \u201c" + input.value.trim() + "\u201d."
          : total + (total === 1 ? " person." : " people.");
      }
    });
  });
})();
