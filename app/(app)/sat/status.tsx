/** A SAT run's status as a badge. */
const META = { OPEN: ["In progress", "bg-blue-100 text-blue-900"], PASSED: ["Passed", "bg-green-100 text-green-900"], FAILED: ["Failed", "bg-red-100 text-red-900"] } as const;

export function RunStatus({ status }: { status: keyof typeof META }) {
  const [label, cls] = META[status];
  return (
    <span className={`ml-2 rounded px-2 py-0.5 text-base align-middle ${cls}`} data-testid="sat-run-status">
      {label}
    </span>
  );
}
