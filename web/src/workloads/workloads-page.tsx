import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiProblem } from '../api';
import { usePath } from '../router';
import type { Workload } from '../types';
import { useFocusAfterCommit, useNow, useTitle } from '../ui/hooks';
import { AddWorkloadForm } from './add-workload-form';
import { DeleteWorkloadDialog } from './delete-workload-dialog';
import { WorkloadTable } from './workload-table';

function loadError(failure: unknown): string {
  const reason = failure instanceof ApiProblem ? failure.detail : 'The workloads could not be loaded.';
  return `${reason} Reload the page to try again.`;
}

/** The workload a link names (`/settings/workloads?workload=wl_…`), if any. */
function linkedWorkload(path: string): string | null {
  return new URLSearchParams(path.split('?')[1] ?? '').get('workload');
}

/**
 * Settings → Workloads: the CI jobs (GitHub Actions, GitLab CI, any OIDC issuer) that may exchange
 * their ID token for a short-lived access token, with no secret stored in the CI. Add one, or delete it.
 */
export function WorkloadsPage() {
  useTitle('Workloads');
  const now = useNow(15_000);
  const highlighted = linkedWorkload(usePath());
  const [workloads, setWorkloads] = useState<Workload[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Workload | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const addRef = useRef<HTMLButtonElement>(null);

  const load = useCallback(async () => {
    try {
      setWorkloads((await api.listWorkloads()).data);
      setError(null);
    } catch (failure) {
      setError(loadError(failure));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const isListed = workloads?.some((workload) => workload.id === highlighted) ?? false;
  useEffect(() => {
    if (isListed && highlighted !== null) {
      document.getElementById(`workload-${highlighted}`)?.scrollIntoView({ block: 'center' });
    }
  }, [isListed, highlighted]);

  const focusAdd = useFocusAfterCommit(addRef);

  const onCreated = (workload: Workload) => {
    setAdding(false);
    setWorkloads((current) => [workload, ...(current ?? []).filter((row) => row.id !== workload.id)]);
    setNotice(
      `${workload.name} is trusted. A job of it logs in with: skytells login --workload ${workload.name}`,
    );
    focusAdd();
  };

  const onDeleted = (workload: Workload) => {
    setWorkloads((current) => (current ?? []).filter((row) => row.id !== workload.id));
    setDeleting(null);
    setNotice(`${workload.name} is deleted: its jobs can no longer get tokens.`);
    focusAdd();
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Workloads</h1>
          <p className="page-lead">
            A trusted workload lets a CI job exchange the OpenID Connect ID token its CI gives it for an
            access token that lives minutes: nothing secret is stored in the CI.
          </p>
        </div>
        {adding ? null : (
          <button
            ref={addRef}
            type="button"
            className="button button-primary"
            onClick={() => {
              setNotice(null);
              setAdding(true);
            }}
          >
            Add workload
          </button>
        )}
      </header>

      {adding ? (
        <AddWorkloadForm
          onCreated={onCreated}
          onCancel={() => {
            setAdding(false);
            focusAdd();
          }}
        />
      ) : null}

      <p role="status" className={notice === null ? 'visually-hidden' : 'alert alert-success'}>
        {notice}
      </p>

      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}

      {workloads === null ? (
        error === null ? (
          <p className="muted" aria-busy="true">
            Loading workloads…
          </p>
        ) : null
      ) : workloads.length === 0 ? (
        <p className="empty-note">No workloads yet.</p>
      ) : (
        <WorkloadTable workloads={workloads} highlighted={highlighted} now={now} onDelete={setDeleting} />
      )}

      {deleting !== null ? (
        <DeleteWorkloadDialog workload={deleting} onDeleted={onDeleted} onClose={() => setDeleting(null)} />
      ) : null}
    </div>
  );
}
