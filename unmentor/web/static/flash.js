// Moves focus to the message an action left at the top of the page (unmentor/web/flash.py),
// so that a screen reader reads it and the keyboard starts from it.
"use strict";

(function () {
  const message = document.getElementById("flash");
  if (message) {
    message.focus();
  }
})();
