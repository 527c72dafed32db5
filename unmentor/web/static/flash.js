// Move focus to the message saying what an action did, so keyboard and screen-reader users
// hear it and continue from there (the #flash address already scrolled the page to it).
(function () {
  var message = document.getElementById("flash");
  if (message) {
    message.focus();
    message.scrollIntoView({ block: "start" });
  }
})();
