// Dioptra experiments. Ids are Pipeloom's own integers (upstream used MLflow's experiment ids), so none of
// the MLflow tracking errors can occur here.
import type { Clock } from '../../clock.ts';
import { ExperimentAlreadyExistsError, ExperimentDoesNotExistError, ExperimentRegistrationError } from '../errors.ts';
import type { Identity } from '../../http/auth.ts';
import { namedRecords } from '../named-records.ts';
import type { Visibility } from '../visibility.ts';
import type { ExperimentRepository } from './experiment-repository.ts';

export function experimentService(experiments: ExperimentRepository, clock: Clock, seen: Visibility) {
  return {
    list: (caller: Identity) => experiments.list(seen.limitTo(caller)),
    ...namedRecords(experiments, {
      kind: 'experiment',
      doesNotExist: ExperimentDoesNotExistError,
      registration: ExperimentRegistrationError,
      alreadyExists: ExperimentAlreadyExistsError,
    }, clock, seen),
  };
}

export type ExperimentService = ReturnType<typeof experimentService>;
