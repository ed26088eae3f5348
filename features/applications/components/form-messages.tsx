import type { Ref } from "react";

/** A message about a duplicate, with the link to the existing record when it is the applicant's own. */
export function MessageWithLink({ message, href }: { message: string; href: string | null }) {
  return (
    <>
      {message}
      {href ? (
        <>
          {" "}
          <a href={href} className="font-semibold underline">
            {href === "/membership" ? "Open My membership" : "Go there"}
          </a>
        </>
      ) : null}
    </>
  );
}

type RefusalProps = {
  message: string | null;
  href: string | null;
  /** One more for each refusal: the message is drawn anew, so that a repeated one is announced again. */
  refusals: number;
  ref: Ref<HTMLParagraphElement>;
};

/**
 * The refusal beside the buttons, where the applicant is when they press one:
 * in a live region that is always on the page (a region must be there before
 * its message to be announced), focusable for a refusal of the whole form.
 */
export function RefusalBesideButtons({ message, href, refusals, ref }: RefusalProps) {
  return (
    <div aria-live="assertive" className="-mt-6">
      {message ? (
        <p
          key={refusals}
          id="form-refusal"
          ref={ref}
          tabIndex={-1}
          className="rounded-md border border-red-300 bg-red-50 px-4 py-3 font-medium text-red-950"
        >
          <MessageWithLink message={message.replace("marked below", "marked above")} href={href} />
        </p>
      ) : null}
    </div>
  );
}
