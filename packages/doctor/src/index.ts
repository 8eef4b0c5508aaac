export { runDoctorCommand, type DoctorCommandOptions } from './doctor-command';
export {
  runDoctorProbes,
  type DoctorProbeOptions,
  type ImageWorker,
  type ImageWorkerModule,
} from './doctor-probes';
export {
  MEDIA_ENCODERS,
  doctorReport,
  formatDoctorReport,
  type Blocker,
  type DependencyRow,
  type DependencyStatus,
  type DoctorProbes,
  type DoctorReport,
  type KindVerdict,
  type Probe,
  type SpeechProviderName,
} from './doctor-report';
