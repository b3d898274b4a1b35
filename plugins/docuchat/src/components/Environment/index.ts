export { DeploymentSummaryCard } from './DeploymentSummaryCard';
