// Officer pages: the only script, progressive enhancement (every page works without it).
document.addEventListener('DOMContentLoaded', function () {
  var print = document.getElementById('print-report');
  if (print) {
    print.addEventListener('click', function () { window.print(); });
  }
});
