/** The Azure driver's name in errors and capabilities. */
export const AZURE_DRIVER_NAME = 'azure';
