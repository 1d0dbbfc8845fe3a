// The phone checks of one loaded page, all in one evaluate call (tests/e2e/layout.py).
// Returns facts; Python turns them into problems. `logoutNames`: the accessible names the
// logout button may have ([] on pages seen logged out).
(logoutNames) => {
  const W = window.innerWidth;
  const MIN = 24; // WCAG 2.2 2.5.8 Target Size (Minimum)
  const CONTROLS = [
    "a[href]", "area[href]", "button", "input:not([type=hidden])", "select", "textarea",
    "summary", "[role=button]", "[role=link]", "[role=checkbox]", "[role=radio]", "[role=tab]",
    "[role=menuitem]", "[tabindex]:not([tabindex='-1'])",
  ].join(",");

  const describe = (el) => {
    let text = (el.getAttribute("aria-label") || el.innerText || el.value || "").trim();
    text = text.replace(/\s+/g, " ").slice(0, 30);
    const cls = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls}${text ? ` "${text}"` : ""}`;
  };
  const shown = (el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: false });
  const union = (a, b) => {
    const left = Math.min(a.left, b.left), top = Math.min(a.top, b.top);
    const right = Math.max(a.right, b.right), bottom = Math.max(a.bottom, b.bottom);
    return { left, top, right, bottom, width: right - left, height: bottom - top };
  };

  // The target a pointer can hit. A link that wraps onto two lines is two boxes, not the
  // rectangle around both (which would cover its neighbours): its largest box gives its size.
  // A checkbox or radio is toggled by its label too, so the label's box counts with it.
  const fragments = (el) => {
    const boxes = [...el.getClientRects()].filter((b) => b.width > 0 && b.height > 0);
    return boxes.length ? boxes : [el.getBoundingClientRect()];
  };
  const targetBox = (el) => {
    let box = fragments(el).reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    if (el.matches("input[type=checkbox], input[type=radio]")) {
      for (const label of el.labels || []) {
        if (shown(label)) box = union(box, label.getBoundingClientRect());
      }
    }
    return box;
  };

  // The inline exception: a link inside a sentence, its height set by the line around it.
  const inSentence = (el) => {
    if (getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === "inline") block = block.parentElement;
    if (!block) return false;
    const clone = block.cloneNode(true);
    clone.querySelectorAll(CONTROLS).forEach((c) => c.remove());
    return /\p{L}{2,}/u.test(clone.textContent);
  };

  // Visually hidden controls (1 px, clipped; a skip link parked off-screen) are no pointer
  // target until focused, where they grow.
  const targets = () => {
    const found = [];
    for (const el of document.querySelectorAll(CONTROLS)) {
      if (!shown(el) || el.closest("[inert], [aria-hidden=true]")) continue;
      const box = targetBox(el);
      if (box.width <= 1 || box.height <= 1 || box.right <= 0 || box.bottom <= 0) continue;
      found.push({ el, box, boxes: fragments(el) });
    }
    return found;
  };

  // Undersized targets pass if a 24 px circle centred on each touches no other target and no
  // other undersized target's circle (the spacing exception), or if they sit in a sentence.
  const smallTargets = () => {
    const all = targets();
    const small = all.filter((t) => t.box.width < MIN - 0.5 || t.box.height < MIN - 0.5);
    const centre = (b) => [(b.left + b.right) / 2, (b.top + b.bottom) / 2];
    const distanceToBox = ([x, y], b) => Math.hypot(
      Math.max(b.left - x, 0, x - b.right), Math.max(b.top - y, 0, y - b.bottom));
    const failing = [];
    for (const t of small) {
      if (inSentence(t.el)) continue;
      const c = centre(t.box);
      const crowded = all.some((other) => {
        if (other === t || other.el.contains(t.el) || t.el.contains(other.el)) return false;
        if (t.el.labels && [...t.el.labels].includes(other.el)) return false;
        const undersized = small.includes(other);
        return undersized
          ? Math.hypot(c[0] - centre(other.box)[0], c[1] - centre(other.box)[1]) < MIN
          : Math.min(...other.boxes.map((b) => distanceToBox(c, b))) < MIN / 2;
      });
      if (crowded) {
        failing.push(`${describe(t.el)} ${Math.round(t.box.width)}x${Math.round(t.box.height)}`);
      }
    }
    return failing;
  };

  // Elements sticking out on the right, outermost first: what makes the page scroll sideways.
  const overflow = () => {
    const width = document.scrollingElement.scrollWidth;
    if (width <= W) return null;
    const culprits = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (culprits.length >= 5) break;
      const box = el.getBoundingClientRect();
      if (box.right > W + 0.5 && box.width > 0 && !culprits.some((c) => c.el.contains(el))) {
        culprits.push({ el, right: box.right });
      }
    }
    return {
      width,
      culprits: culprits.map((c) => `${describe(c.el)} to ${Math.round(c.right)} px`),
    };
  };

  // The landmarks every page shares: the site header (banner), main and footer (contentinfo).
  // header/footer are landmarks only outside sectioning content.
  const landmark = (tag, role) => [...document.querySelectorAll(`${tag}, [role=${role}]`)].some(
    (el) => el.getAttribute("role") === role
      || (!el.hasAttribute("role") && !el.parentElement.closest("article, aside, main, nav, section")));
  const layout = {
    banner: landmark("header", "banner"),
    main: !!document.querySelector("main, [role=main]"),
    contentinfo: landmark("footer", "contentinfo"),
    homeLink: !!document.querySelector("header a[href='/'], [role=banner] a[href='/']"),
    stylesheets: [...document.querySelectorAll("link[rel~=stylesheet]")]
      .map((l) => new URL(l.href).pathname),
  };

  const result = {
    lang: document.documentElement.lang,
    width: W,
    overflow: overflow(),
    small: smallTargets(),
    layout,
    logout: null,
  };

  if (logoutNames.length) {
    // textContent, not innerText: a closed menu's content is not rendered, so has no innerText.
    const name = (el) => (el.getAttribute("aria-label") || el.textContent || el.value || "")
      .replace(/\s+/g, " ").trim();
    const candidates = () => [...document.querySelectorAll(
      "button, input[type=submit], a[href], [role=button]")].filter(
      (el) => logoutNames.includes(name(el)));
    const onScreen = (el) => {
      if (!shown(el)) return false;
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && box.left >= 0 && box.right <= W + 0.5;
    };
    const found = candidates();
    if (!found.length) {
      result.logout = "no logout button";
    } else if (found.some(onScreen)) {
      result.logout = "visible";
    } else {
      // Open the collapsed menu the way a person does: a tap on its summary.
      const menus = new Set(found.map((el) => el.closest("details:not([open])")).filter(Boolean));
      for (const details of menus) {
        for (const outer of [...ancestors(details)].reverse()) outer.querySelector(":scope > summary")?.click();
      }
      if (menus.size && found.some(onScreen)) {
        result.logout = "in menu";
      } else {
        result.logout = menus.size ? "hidden even with the menu open" : "hidden or off-screen";
      }
    }
  }

  // The site header's collapsed menus, open (logged out too): they must fit and have big
  // enough targets as well.
  const closedMenus = [...document.querySelectorAll(
    "header details:not([open]), [role=banner] details:not([open])")];
  for (const details of closedMenus) {
    if (!details.open) details.querySelector(":scope > summary")?.click();
  }
  if (closedMenus.length || result.logout === "in menu") {
    const opened = overflow();
    if (opened) result.overflowMenuOpen = opened;
    result.smallMenuOpen = smallTargets().filter((line) => !result.small.includes(line));
  }
  return result;

  // The closed <details> around el, innermost first (a menu inside a menu opens outside in).
  function* ancestors(details) {
    for (let d = details; d; d = d.parentElement && d.parentElement.closest("details:not([open])")) {
      yield d;
    }
  }
};
