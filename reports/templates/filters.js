(function () {
  "use strict";
  // Filters the findings of a report page by minimum severity, target and owner.
  // Reads only data-* attributes and writes only .hidden and .textContent: no markup is built.
  var form = document.getElementById("filters");
  if (!form) { return; }
  var ranks = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-severity]"));
  var count = document.getElementById("filter-count");
  function apply() {
    var minimum = ranks[form.elements.severity.value] || 0;
    var target = form.elements.target.value;
    var owner = form.elements.owner.value;
    var visible = 0;
    items.forEach(function (item) {
      var show = ranks[item.dataset.severity] >= minimum &&
        (!target || item.dataset.target === target) &&
        (!owner || item.dataset.owner === owner);
      item.hidden = !show;
      if (show) { visible += 1; }
    });
    count.textContent = visible + " of " + items.length + " findings shown";
  }
  form.addEventListener("change", apply);
  form.hidden = false; // without JavaScript (or in print) every finding stays visible
  apply();
})();
