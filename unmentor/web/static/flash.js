// Moves focus to the message an action left at the top of the page (unmentor/web/flash.py),
// so that a screen reader reads it and the keyboard starts from it (the #flash address
// already scrolled the page to it; scrolling again covers a page restored from history).
"use strict";

(function () {
  const message = document.getElementById("flash");
  if (message) {
    message.focus();
    message.scrollIntoView({ block: "start" });
  }
})();
