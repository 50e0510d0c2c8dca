/** The GCP driver's name, as errors and capabilities give it. */
export const GCP_DRIVER_NAME = 'gcp';
