/** The Skytells Access mark: a padlock on the brand blue. */
export function BrandMark() {
  return (
    <svg
      className="brand-mark"
      viewBox="0 0 32 32"
      width="24"
      height="24"
      aria-hidden="true"
      focusable="false"
    >
      <rect width="32" height="32" rx="7" fill="#1d4ed8" />
      <path
        d="M11 14v-3a5 5 0 0 1 10 0v3"
        fill="none"
        stroke="#fff"
        strokeWidth="2.5"
        strokeLinecap="round"
      />
      <rect x="8" y="14" width="16" height="11" rx="2.5" fill="#fff" />
      <circle cx="16" cy="19.5" r="2" fill="#1d4ed8" />
    </svg>
  );
}
