"use client";

import { useEffect } from "react";
import { markViewedAction } from "@/features/reviews/actions";

/** Records, once the page is on screen, that this team member has looked at the application. */
export function MarkViewed({ applicationId }: { applicationId: string }) {
  useEffect(() => {
    void markViewedAction(applicationId).catch(() => {});
  }, [applicationId]);
  return null;
}
