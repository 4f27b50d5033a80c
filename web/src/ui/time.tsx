import { exactTime, relativeTime } from '../format';

/** A time shown relative ("3 days ago") with the exact time on hover and for assistive tech. */
export function Time({ at, now, className }: { at: string; now: Date; className?: string }) {
  const date = new Date(at);
  const exact = exactTime(date);
  return (
    <time dateTime={at} title={exact} className={className}>
      {relativeTime(date, now)}
    </time>
  );
}
