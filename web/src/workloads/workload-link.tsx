import { useEffect, useState } from 'react';
import { api, ApiProblem } from '../api';
import { Link } from '../router';

/**
 * The workload that issued a token: its name, linking to it on the Workloads page, and its id; "deleted"
 * when the account no longer has it.
 */
export function WorkloadLink({ id }: { id: string }) {
  const [name, setName] = useState<string | null>(null);
  const [isGone, setIsGone] = useState(false);

  useEffect(() => {
    let live = true;
    api.getWorkload(id).then(
      (workload) => live && setName(workload.name),
      (failure: unknown) => live && setIsGone(failure instanceof ApiProblem && failure.status === 404),
    );
    return () => {
      live = false;
    };
  }, [id]);

  if (isGone) {
    return (
      <>
        <span className="mono">{id}</span> <span className="muted">(deleted)</span>
      </>
    );
  }
  return (
    <>
      <Link to={`/settings/workloads?workload=${encodeURIComponent(id)}`}>{name ?? id}</Link>
      {name !== null ? <span className="mono muted"> {id}</span> : null}
    </>
  );
}
