(function () {
  "use strict";
  // Filters the findings of a report page by minimum severity, target and owner.
  // Reads only data-* attributes and writes only .hidden and .textContent: no markup is built.
  // The count comes from the per-severity counts the page carries for the whole phase, so it says
  // what the run has, not only what this page lists; a fix row hides when none of its findings shows.
  var form = document.getElementById("filters");
  if (!form) { return; }
  var ranks = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };
  var order = ["critical", "high", "medium", "low", "info"];
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-severity]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".fix"));
  var count = document.getElementById("filter-count");
  function matching(counts, minimum) {
    var total = 0;
    counts.split(",").forEach(function (value, index) {
      if (ranks[order[index]] >= minimum) { total += parseInt(value, 10) || 0; }
    });
    return total;
  }
  function selected(select) {
    return select.selectedIndex > 0 ? select.options[select.selectedIndex] : null;
  }
  function apply() {
    var minimum = ranks[form.elements.severity.value] || 0;
    var target = selected(form.elements.target);
    var owner = selected(form.elements.owner);
    var counts = form.dataset.counts;
    if (target) {
      counts = owner && target.dataset.owner !== owner.value ? "0" : target.dataset.counts;
    } else if (owner) {
      counts = owner.dataset.counts;
    }
    var listed = Object.create(null);  // by fingerprint: a finding listed under two measures counts once
    items.forEach(function (item) {
      var show = ranks[item.dataset.severity] >= minimum &&
        (!target || item.dataset.target === target.value) &&
        (!owner || item.dataset.owner === owner.value);
      item.hidden = !show;
      if (show) { listed[item.dataset.id] = true; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("[data-severity]:not([hidden])");
    });
    count.textContent = matching(counts, minimum) + " of " + form.dataset.total +
      " findings match; " + Object.keys(listed).length + " listed on this page";
  }
  form.addEventListener("change", apply);
  form.hidden = false; // without JavaScript (or in print) every finding stays visible
  apply();
})();
