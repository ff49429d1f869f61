export { DeploymentMetrics } from './DeploymentMetrics';
