// First run (and "change where you live"): choose a province, then a commune or ward.
// Saved through set_home_unit. Until the unit list has been synced, the backend asks the
// server for just the list shown (the provinces, then one province's communes), so a new
// device on a slow link can choose at once. Offline with nothing stored, a list fails:
// then we show the error, offer a refresh and reload on sync-finished.
import { useEffect, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { UnitPicker } from "../components/UnitPicker";
import { toBackendError } from "../errors";
import { t } from "../i18n";
import type { HomeUnit, Unit } from "../models";

/** Props of onboarding. */
export type OnboardingProps = ScreenProps & {
  current: HomeUnit | null;
  onDone: (home: HomeUnit) => void;
  onRefresh: () => void;
};

/** The two-step unit chooser. */
export function Onboarding({ backend, version, current, onDone, onRefresh }: OnboardingProps) {
  const [provinces, setProvinces] = useState<Unit[] | null>(null);
  const [province, setProvince] = useState<Unit | null>(null);
  const [communes, setCommunes] = useState<Unit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    backend.listProvinces().then(setProvinces, (e) => {
      setError(toBackendError(e).message);
      setProvinces([]);
    });
  }, [backend, version]);

  useEffect(() => {
    if (!province) {
      setCommunes(null);
      return;
    }
    setCommunes(null);
    backend.listCommunes(province.code).then(setCommunes, (e) => setError(toBackendError(e).message));
  }, [backend, province, version]);

  const pick = async (unit: Unit) => {
    setError(null);
    try {
      onDone(await backend.setHomeUnit(unit.code));
    } catch (e) {
      setError(toBackendError(e).message);
    }
  };

  return (
    <section class="screen" aria-labelledby="onboarding-title">
      <h1 id="onboarding-title" tabIndex={-1}>
        {current ? t("changeUnit") : t("welcomeTitle")}
      </h1>
      <p>{t("welcomeIntro")}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!province ? (
        <>
          <h2>{t("stepProvince")}</h2>
          {provinces === null ? (
            <p class="muted">{t("loading")}</p>
          ) : provinces.length === 0 ? (
            <div class="empty">
              <p>{t("noUnitsSynced")}</p>
              <button type="button" class="button" onClick={onRefresh}>
                {t("refresh")}
              </button>
            </div>
          ) : (
            <UnitPicker
              units={provinces}
              label={t("searchProvince")}
              testId="province-picker"
              optionTestId="province-option"
              onPick={setProvince}
            />
          )}
        </>
      ) : (
        <>
          <h2>{t("stepCommune", { province: province.name })}</h2>
          <button type="button" class="button secondary" onClick={() => setProvince(null)} data-testid="change-province">
            {t("changeProvince")}
          </button>
          {communes === null ? (
            <p class="muted">{t("loading")}</p>
          ) : (
            <UnitPicker
              key={province.code}
              units={communes}
              label={t("searchCommune")}
              testId="commune-picker"
              optionTestId="commune-option"
              onPick={(u) => void pick(u)}
            />
          )}
        </>
      )}
    </section>
  );
}
