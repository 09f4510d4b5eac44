import { LocationCard } from '../components/LocationCard';
import type { useReportDraft } from './useReportDraft';

/** The location card wired to a report draft; both report forms use it. */
export function ReportLocation({ form, showError }: { form: ReturnType<typeof useReportDraft>; showError: boolean }) {
  return (
    <LocationCard
      location={form.draft.location}
      place={form.draft.place}
      status={form.locateStatus}
      onRelocate={() => void form.relocate()}
      onChooseOnMap={() => void form.pickOnMap()}
      onOpenSettings={form.openSettings}
      onAddressInput={form.setAddress}
      error={showError || form.locateStatus.kind === 'failed' ? form.fieldErrors.location : undefined}
    />
  );
}
