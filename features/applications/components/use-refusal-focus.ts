"use client";

import { type RefObject, useCallback, useEffect, useRef, useState } from "react";

/**
 * Where a refused Save or Submit takes the applicant: to the first problem in
 * the order of the page (the first field marked invalid, whatever order the
 * schema checks them in), scrolled into view and focused; or, when no field is
 * marked (a refusal of the whole form, such as an existing member), to the
 * message beside the buttons. `refused()` is called once per refusal; the
 * move happens after the page has drawn the refusal's marks.
 */
export function useRefusalFocus(form: RefObject<HTMLFormElement | null>, message: RefObject<HTMLElement | null>) {
  const [count, setCount] = useState(0);
  const moved = useRef(0);
  useEffect(() => {
    if (count === moved.current) return;
    moved.current = count;
    const target =
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]:not([type="hidden"])') ?? message.current;
    if (!target) return;
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }, [count, form, message]);
  const refused = useCallback(() => setCount((value) => value + 1), []);
  return { refusals: count, refused };
}
